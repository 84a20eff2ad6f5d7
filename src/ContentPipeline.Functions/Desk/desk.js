// The editors' desk: a page over the editors' API. No dependencies; the key lives in sessionStorage only and travels
// in the x-functions-key header, never in a URL. Article HTML is sanitised by the pipeline and the page's CSP allows no
// inline script, so the rendered body is shown as it is served.
const KeyStorage = 'contentpipeline.editorKey';
const Api = new URL('../', document.baseURI); // the page is served at /api/desk/index.html

const $ = (id) => document.getElementById(id);
const state = { key: sessionStorage.getItem(KeyStorage), view: 'articles', cursor: null, article: null, etag: null, rejectedCursor: null, failuresCursor: null, deliveriesCursor: null, webhook: null, storiesCursor: null, story: null, storyEtag: null };

function announce(message) {
  $('status').textContent = message;
}

async function call(path, { method = 'GET', ifMatch = null, body = null } = {}) {
  const headers = { 'x-functions-key': state.key, Accept: 'application/json' };
  if (ifMatch) headers['If-Match'] = ifMatch;
  if (body) headers['Content-Type'] = 'application/json';
  const response = await fetch(new URL(path, Api), { method, headers, body: body ? JSON.stringify(body) : undefined, cache: 'no-store', credentials: 'omit' });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (response.status === 401) {
    signOut('The key was refused: sign in again with a function key.');
  }
  return { status: response.status, json, etag: response.headers.get('ETag') };
}

function element(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'className') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function formatDate(value) {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function stateBadge(name) {
  return element('span', { className: `state state-${name}` }, name);
}

// ---- Signing in and out -------------------------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const key = $('key').value.trim();
  if (!key) {
    announce('Paste a function key to sign in.');
    $('key').focus();
    return;
  }
  state.key = key;
  const probe = await call('editor/articles?limit=1');
  if (probe.status !== 200) {
    state.key = null;
    announce(probe.status === 401 ? 'That key was refused. Check it and try again.' : `The API answered ${probe.status}; try again.`);
    $('key').focus();
    return;
  }
  sessionStorage.setItem(KeyStorage, key);
  $('key').value = '';
  showDesk();
  announce('Signed in.');
}

function signOut(message = 'Signed out.') {
  sessionStorage.removeItem(KeyStorage);
  state.key = null;
  $('desk').hidden = true;
  $('session').hidden = true;
  $('sign-in').hidden = false;
  announce(message);
  $('key').focus();
}

function showDesk() {
  $('sign-in').hidden = true;
  $('desk').hidden = false;
  $('session').hidden = false;
  switchView('articles');
}

function switchView(view) {
  state.view = view;
  for (const button of document.querySelectorAll('[data-view]')) {
    button.setAttribute('aria-pressed', String(button.dataset.view === view));
  }
  $('articles-view').hidden = view !== 'articles';
  $('preview').hidden = true;
  $('stories-view').hidden = view !== 'stories';
  $('story-view').hidden = true;
  $('rejected-view').hidden = view !== 'rejected';
  $('failures-view').hidden = view !== 'failures';
  $('webhooks-view').hidden = view !== 'webhooks';
  if (view === 'articles') loadArticles(false);
  if (view === 'stories') loadStories(false);
  if (view === 'rejected') loadRejected(false);
  if (view === 'failures') loadFailures(false);
  if (view === 'webhooks') loadWebhooks();
}

// ---- The list ------------------------------------------------------------------------------------------------------

function listQuery() {
  const status = $('state').value;
  const category = $('category').value.trim();
  const topic = $('topic').value.trim();
  const query = new URLSearchParams({ status, limit: '20' });
  if ($('order').value === 'hot') query.set('order', 'hot');
  // The API filters published lists by category or topic; other states are filtered here, on the page loaded.
  if (status === 'published' && category) query.set('category', category);
  else if (status === 'published' && topic) query.set('topic', topic);
  if (state.cursor) query.set('cursor', state.cursor);
  return query;
}

// Close to the pipeline's slugs (letters and digits of any script joined by hyphens), so that "World News",
// "world news" and "world-news" name one category, as they do for the API.
function slug(text) {
  return text.toLowerCase().replace(/#/g, 'sharp').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
}

function matchesFilters(item) {
  if ($('state').value === 'published') return true; // the API filtered it already
  const category = slug($('category').value);
  const topic = slug($('topic').value);
  if (category && slug(item.category ?? '') !== category) return false;
  if (topic && !(item.topics ?? []).some((t) => slug(t) === topic)) return false;
  return true;
}

async function loadArticles(more) {
  if (!more) state.cursor = null;
  const reply = await call(`editor/articles?${listQuery()}`);
  if (reply.status !== 200) {
    announce(reply.json?.detail ?? `The list could not be read (${reply.status}).`);
    return;
  }
  const body = $('articles').tBodies[0];
  if (!more) body.replaceChildren();
  const items = reply.json.items.filter(matchesFilters);
  for (const item of items) {
    body.append(element('tr', {},
      element('td', { 'data-label': 'Title' }, element('button', { type: 'button', className: 'link', onclick: () => openArticle(item.id) }, item.title)),
      element('td', { 'data-label': 'Provider' }, item.provider?.name ?? item.provider?.domain ?? ''),
      element('td', { 'data-label': 'Published' }, formatDate(item.publishedDateTime),
        item.publishAt ? element('div', { className: 'hint' }, `from ${formatDate(item.publishAt)}`) : null,
        item.expiresAt ? element('div', { className: 'hint' }, `until ${formatDate(item.expiresAt)}`) : null),
      element('td', { 'data-label': 'State' }, stateBadge(item.state)),
      element('td', { 'data-label': 'Updated' }, formatDate(item.updatedAt))));
  }
  state.cursor = reply.json.cursor ?? null;
  $('more').hidden = !state.cursor;
  const shown = body.rows.length;
  const order = $('order').value === 'hot' ? 'Hottest first' : 'Newest first';
  $('articles-caption').textContent = `${order} · ${shown} shown${state.cursor ? ', more to load' : ''}`;
  announce(shown === 0 ? 'No articles match.' : `${shown} article${shown === 1 ? '' : 's'} shown.`);
}

// ---- The preview and the actions -----------------------------------------------------------------------------------

async function openArticle(id) {
  const reply = await call(`editor/articles/${encodeURIComponent(id)}`);
  if (reply.status !== 200) {
    announce(reply.json?.detail ?? `The article could not be read (${reply.status}).`);
    return;
  }
  $('conflict').hidden = true;
  showArticle(reply.json, reply.etag);
  $('articles-view').hidden = true;
  $('preview').hidden = false;
  $('preview-title').focus();
}

const FieldsShownElsewhere = new Set(['title', 'html', 'state']);

function showArticle(article, etag) {
  state.article = article;
  state.etag = etag;
  $('preview-title').textContent = article.title;
  $('preview-state').replaceChildren(stateBadge(article.state));
  $('preview-version').textContent = `version ${article.version}`;
  // Sanitised by the pipeline (no script, no handlers, http/https/mailto links only); the CSP blocks inline script.
  $('preview-html').innerHTML = article.html ?? '';
  if (!article.html) $('preview-html').append(element('p', { className: 'hint' }, 'No body.'));
  const fields = $('preview-fields');
  fields.replaceChildren();
  for (const [name, value] of Object.entries(article)) {
    if (FieldsShownElsewhere.has(name)) continue;
    const shown = value !== null && typeof value === 'object' ? element('pre', {}, JSON.stringify(value, null, 2))
      : /(At|DateTime)$/.test(name) ? formatDate(value) : String(value);
    fields.append(element('dt', {}, name), element('dd', {}, shown));
  }
  const takenDown = article.state === 'taken-down';
  $('publish').disabled = takenDown || article.state === 'published';
  $('unpublish').disabled = takenDown || article.state === 'draft';
  for (const control of $('schedule-form').elements) control.disabled = takenDown;
  for (const control of $('takedown-form').elements) control.disabled = takenDown;
  $('restore').hidden = !takenDown;
}

async function act(label, path, method) {
  const id = state.article.id;
  const reply = await call(path, { method, ifMatch: state.etag });
  if (reply.status === 200) {
    $('conflict').hidden = true;
    await refresh(id);
    announce(`${label}: ${reply.json.message}`);
    return;
  }
  if (reply.status === 412 || reply.status === 409) {
    // Someone else got there first (or a takedown holds it): show what it is now, change nothing.
    await refresh(id);
    const what = reply.status === 412
      ? `Someone else changed this article first; nothing was changed. It is now ${state.article?.state ?? 'gone'} (version ${state.article?.version ?? '?'}): look again and decide.`
      : reply.json?.detail ?? 'The article could not be changed now; nothing was changed.';
    $('conflict').textContent = what;
    $('conflict').hidden = false;
    announce(`${label} was not applied.`);
    return;
  }
  announce(reply.json?.detail ?? `${label} failed (${reply.status}).`);
}

async function refresh(id) {
  const reply = await call(`editor/articles/${encodeURIComponent(id)}`);
  if (reply.status === 200) showArticle(reply.json, reply.etag);
  else if (reply.status === 404) announce('The article is gone (its file was deleted).');
}

function articlePath(suffix = '') {
  return `articles/${encodeURIComponent(state.article.id)}${suffix}`;
}

// ---- Rejected files and failed ingests ----------------------------------------------------------------------------

// Card lists page the same way: a card per item, "Load more" while the API returns a cursor. Only a list's latest load
// fills it: an earlier one still under way (the view's first load, before new filters) is dropped when it answers.
const tickets = {};
async function loadCards(more, { path, query = new URLSearchParams({ limit: '20' }), cursorKey, listId, moreId, noun, plural = `${noun}s`, card }) {
  if (!more) state[cursorKey] = null;
  if (state[cursorKey]) query.set('cursor', state[cursorKey]);
  const ticket = (tickets[listId] = (tickets[listId] ?? 0) + 1);
  const reply = await call(`${path}?${query}`);
  if (ticket !== tickets[listId]) return; // a later load of this list (new filters) answers instead
  if (reply.status !== 200) {
    announce(reply.json?.detail ?? `The ${plural} could not be read (${reply.status}).`);
    return;
  }
  const list = $(listId);
  if (!more) list.replaceChildren();
  for (const item of reply.json.items) list.append(card(item));
  state[cursorKey] = reply.json.cursor ?? null;
  $(moreId).hidden = !state[cursorKey];
  const count = list.children.length;
  announce(count === 0 ? `No ${plural}.` : `${count} ${count === 1 ? noun : plural} shown.`);
}

const loadRejected = (more) => loadCards(more, {
  path: 'editor/rejected-files', cursorKey: 'rejectedCursor', listId: 'rejected', moreId: 'more-rejected', noun: 'rejected file',
  card: (item) => element('li', {},
    element('h3', {}, item.blobName),
    element('p', { className: 'hint' }, `Rejected ${formatDate(item.rejectedAt)}${item.size !== undefined && item.size !== null ? ` · ${item.size} bytes` : ''}`),
    element('ol', { className: 'problems' }, ...item.problems.map((p) =>
      element('li', {}, element('strong', {}, `${p.file}, line ${p.line}, column ${p.column}`), ` (${p.code}): ${p.message}`)))),
});

const loadFailures = (more) => loadCards(more, {
  path: 'editor/ingest-failures', cursorKey: 'failuresCursor', listId: 'failures', moreId: 'more-failures', noun: 'failed ingest',
  card: (item) => element('li', {},
    element('h3', {}, item.blobName),
    element('p', {}, stateBadge(item.state), ` ${item.attempts} attempt${item.attempts === 1 ? '' : 's'}; last ${formatDate(item.lastFailedAt)}`,
      item.nextAttemptAt ? `; next ${formatDate(item.nextAttemptAt)}` : ''),
    element('pre', {}, item.lastError)),
});

// ---- Stories ---------------------------------------------------------------------------------------------------------

function storiesQuery() {
  const query = new URLSearchParams({ status: 'published', limit: '20', order: $('story-order').value });
  const category = $('story-category').value.trim();
  if (category) query.set('category', category);
  return query;
}

const loadStories = (more) => loadCards(more, {
  path: 'editor/stories', query: storiesQuery(), cursorKey: 'storiesCursor', listId: 'stories', moreId: 'more-stories', noun: 'story', plural: 'stories',
  card: (item) => element('li', {},
    element('h3', {}, item.lead.title),
    element('p', {}, `${item.sources} source${item.sources === 1 ? '' : 's'} · ${item.articles.length + 1} article${item.articles.length === 0 ? '' : 's'} in this list · latest ${formatDate(item.updatedAt)}`),
    element('p', { className: 'hint' }, [item.lead, ...item.articles].map((a) => a.provider?.name ?? a.provider?.domain ?? 'no provider').join(', ')),
    item.id
      ? element('div', { className: 'card-actions' },
        element('button', { type: 'button', 'aria-label': `Open story: ${item.lead.title}`, onclick: () => openStory(item.id) }, 'Open story'))
      : element('p', { className: 'hint' }, 'Not grouped into a story (ingested while stories were off).')),
});

async function openStory(id) {
  const reply = await call(`editor/stories/${encodeURIComponent(id)}`);
  if (reply.status !== 200) {
    announce(reply.json?.detail ?? `The story could not be read (${reply.status}).`);
    return false;
  }
  showStory(reply.json, reply.etag);
  $('stories-view').hidden = true;
  $('story-view').hidden = false;
  $('story-title').focus();
  return true;
}

function showStory(story, etag) {
  state.story = story;
  state.storyEtag = etag;
  const articles = [story.lead, ...story.articles];
  $('story-title').textContent = story.lead.title;
  $('story-summary').textContent = `Story ${story.id} · ${story.sources} source${story.sources === 1 ? '' : 's'} · ${articles.length} article${articles.length === 1 ? '' : 's'}`;
  $('story-articles').replaceChildren(...articles.map((article, index) => element('li', {},
    element('h3', {}, article.title),
    element('p', {}, stateBadge(article.state), ` ${article.provider?.name ?? article.provider?.domain ?? 'no provider'} · quality ${article.quality ?? '–'} · ${formatDate(article.publishedDateTime)}${index === 0 ? ' · lead' : ''}`),
    element('div', { className: 'card-actions' },
      element('button', { type: 'button', 'aria-label': `Split out ${article.title} (${article.provider?.name ?? article.id})`, onclick: () => editStory('Split', `split?article=${encodeURIComponent(article.id)}`), ...(articles.length === 1 ? { disabled: '' } : {}) }, 'Split out')))));
}

async function editStory(label, action) {
  const id = state.story.id;
  const reply = await call(`editor/stories/${encodeURIComponent(id)}/${action}`, { method: 'POST', ifMatch: state.storyEtag });
  if (reply.status === 200) {
    $('story-conflict').hidden = true;
    await openStory(label === 'Split' ? id : reply.json.id);
    announce(label === 'Split' ? `Split: the article is in a story of its own now (${reply.json.id}).` : `Merge: ${reply.json.sources} sources now.`);
    return;
  }
  if (reply.status === 412) {
    // The story changed since it was shown (an article arrived, another editor): show it as it is, change nothing.
    await openStory(id);
    $('story-conflict').textContent = 'The story changed since you opened it; nothing was changed. Look again and decide.';
    $('story-conflict').hidden = false;
    announce(`${label} was not applied.`);
    return;
  }
  announce(`${label}: ${reply.json?.detail ?? `refused (${reply.status})`}`);
}

// ---- Webhooks -------------------------------------------------------------------------------------------------------

async function loadWebhooks() {
  $('deliveries-view').hidden = true;
  const reply = await call('editor/webhooks');
  if (reply.status !== 200) {
    announce(reply.json?.detail ?? `The webhooks could not be read (${reply.status}).`);
    return;
  }
  $('webhooks').replaceChildren(...reply.json.items.map((endpoint) => element('li', {},
    element('h3', {}, endpoint.url),
    element('p', {}, endpoint.events.join(', ')),
    endpoint.description ? element('p', { className: 'hint' }, endpoint.description) : null,
    element('p', { className: 'hint' }, `Registered ${formatDate(endpoint.createdAt)}`),
    element('div', { className: 'card-actions' },
      element('button', { type: 'button', 'aria-label': `Deliveries to ${endpoint.url}`, onclick: () => openDeliveries(endpoint) }, 'Deliveries'),
      element('button', { type: 'button', className: 'danger', 'aria-label': `Remove ${endpoint.url}`, onclick: () => removeWebhook(endpoint) }, 'Remove')))));
  const count = reply.json.items.length;
  announce(count === 0 ? 'No webhook endpoints.' : `${count} webhook endpoint${count === 1 ? '' : 's'}.`);
}

async function registerWebhook(event) {
  event.preventDefault();
  const url = $('webhook-url').value.trim();
  const events = [...document.querySelectorAll('#webhook-form input[name="events"]:checked')].map((box) => box.value);
  if (!url || events.length === 0) {
    announce(url ? 'Choose at least one event.' : 'Give the endpoint\'s URL.');
    (url ? document.querySelector('#webhook-form input[name="events"]') : $('webhook-url')).focus();
    return;
  }
  const description = $('webhook-description').value.trim();
  const reply = await call('editor/webhooks', { method: 'POST', body: description ? { url, events, description } : { url, events } });
  if (reply.status !== 201) {
    announce(`Register: ${reply.json?.detail ?? `refused (${reply.status})`}`);
    return;
  }
  $('webhook-form').reset();
  const secret = $('webhook-secret');
  secret.replaceChildren(
    element('p', {}, `Registered ${reply.json.url}. Its signing secret, shown this once (keep it with the endpoint):`),
    element('p', { className: 'secret' }, reply.json.secret));
  secret.hidden = false;
  await loadWebhooks();
  announce('Register: Registered.');
}

async function removeWebhook(endpoint) {
  const reply = await call(`editor/webhooks/${encodeURIComponent(endpoint.id)}`, { method: 'DELETE' });
  $('webhook-secret').hidden = true;
  await loadWebhooks();
  announce(reply.status === 204 || reply.status === 404 ? `Removed ${endpoint.url}.` : `Remove: ${reply.json?.detail ?? `refused (${reply.status})`}`);
}

async function openDeliveries(endpoint) {
  state.webhook = endpoint;
  $('deliveries-title').textContent = `Deliveries to ${endpoint.url}`;
  $('deliveries-view').hidden = false;
  await loadDeliveries(false);
  $('deliveries-title').focus();
}

const loadDeliveries = (more) => loadCards(more, {
  path: `editor/webhooks/${encodeURIComponent(state.webhook.id)}/deliveries`, cursorKey: 'deliveriesCursor', listId: 'deliveries', moreId: 'more-deliveries', noun: 'delivery', plural: 'deliveries',
  card: (item) => element('li', {},
    element('h3', {}, item.event),
    element('p', {}, stateBadge(item.state), ` ${item.attempts} attempt${item.attempts === 1 ? '' : 's'}`,
      item.lastAttemptAt ? `; last ${formatDate(item.lastAttemptAt)}` : '', item.lastStatus ? ` (HTTP ${item.lastStatus})` : '',
      item.nextAttemptAt && item.state === 'pending' ? `; next ${formatDate(item.nextAttemptAt)}` : ''),
    element('p', { className: 'hint' }, `Event ${item.eventId}`),
    item.lastError ? element('pre', {}, item.lastError) : null),
});

// ---- Wiring ---------------------------------------------------------------------------------------------------------

function wire() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut());
  for (const button of document.querySelectorAll('[data-view]')) {
    button.addEventListener('click', () => switchView(button.dataset.view));
  }
  $('filters').addEventListener('submit', (event) => { event.preventDefault(); loadArticles(false); });
  $('more').addEventListener('click', () => loadArticles(true));
  $('more-rejected').addEventListener('click', () => loadRejected(true));
  $('more-failures').addEventListener('click', () => loadFailures(true));
  $('more-deliveries').addEventListener('click', () => loadDeliveries(true));
  $('more-stories').addEventListener('click', () => loadStories(true));
  $('story-filters').addEventListener('submit', (event) => { event.preventDefault(); loadStories(false); });
  $('close-story').addEventListener('click', () => {
    $('story-view').hidden = true;
    $('stories-view').hidden = false;
    loadStories(false);
  });
  $('merge-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const other = $('merge-story').value.trim();
    if (!/^[0-9a-f]{20}$/.test(other)) {
      announce('A story id is 20 lowercase hexadecimal characters.');
      $('merge-story').focus();
      return;
    }
    editStory('Merge', `merge?story=${encodeURIComponent(other)}`);
  });
  $('webhook-form').addEventListener('submit', registerWebhook);
  $('close-preview').addEventListener('click', () => {
    $('preview').hidden = true;
    $('articles-view').hidden = false;
    loadArticles(false);
  });
  $('publish').addEventListener('click', () => act('Publish', articlePath('/publish'), 'POST'));
  $('unpublish').addEventListener('click', () => act('Unpublish', articlePath('/unpublish'), 'POST'));
  $('restore').addEventListener('click', () => act('Restore', articlePath('/restore'), 'POST'));
  $('schedule-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const at = $('schedule-at').value;
    if (!at) {
      announce('Choose when to publish.');
      $('schedule-at').focus();
      return;
    }
    const utc = at.length === 16 ? `${at}:00Z` : `${at}Z`; // datetime-local has no zone: the label says UTC
    act('Schedule', `${articlePath('/publish')}?at=${encodeURIComponent(utc)}`, 'POST');
  });
  $('takedown-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = $('takedown-reason').value.trim();
    act('Take down', `${articlePath()}${reason ? `?reason=${encodeURIComponent(reason)}` : ''}`, 'DELETE');
  });
  if (state.key) showDesk();
  else $('key').focus();
}

wire();
