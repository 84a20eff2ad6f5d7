// Times gray-matter 4.0.3 (cache disabled by passing options) on the same corpus files as the C# parser benchmark.
// Usage: node graymatter.js <folder> <seconds>; prints {"docs": n, "docsPerSecond": x}.
'use strict';
const fs = require('fs');
const path = require('path');
const matter = require('gray-matter');

const folder = process.argv[2];
const seconds = Number(process.argv[3] || 5);
const texts = fs.readdirSync(folder).sort().map((f) => fs.readFileSync(path.join(folder, f), 'utf8'));
const options = {}; // any options object disables gray-matter's cache

for (const text of texts) matter(text, options); // warm-up
let parsed = 0;
const start = process.hrtime.bigint();
const deadline = start + BigInt(Math.round(seconds * 1e9));
while (process.hrtime.bigint() < deadline) {
  for (const text of texts) {
    const result = matter(text, options);
    if (!result.data.title) throw new Error('no title');
  }
  parsed += texts.length;
}
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ docs: parsed, docsPerSecond: parsed / elapsed }));
