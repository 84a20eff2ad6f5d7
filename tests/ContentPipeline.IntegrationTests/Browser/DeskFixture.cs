using ContentPipeline.IntegrationTests.EndToEnd;
using Microsoft.Playwright;

namespace ContentPipeline.IntegrationTests.Browser;

/// <summary>
/// The local host and a headless Chromium: Debian's <c>chromium</c> package, driven by Playwright (whose own browser
/// download cannot work offline). <c>.ci/run</c> installs the package; without it these tests fail, never skip.
/// </summary>
public sealed class DeskFixture : LocalHostFixture
{
    /// <summary>Where Debian installs Chromium; <c>CHROMIUM_PATH</c> overrides it.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private readonly SemaphoreSlim _launch = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The browser, started on first use. Each test opens its own context: a fresh session, as a new tab.</summary>
    public async Task<IBrowser> BrowserAsync()
    {
        await _launch.WaitAsync();
        try
        {
            if (_browser is null)
            {
                Assert.True(File.Exists(ChromiumPath), $"Chromium is not at {ChromiumPath}: install Debian's chromium package (.ci/run does), or set CHROMIUM_PATH.");
                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ChromiumPath,
                    Headless = true,
                    // This machine's network is closed: Chromium's own background traffic would only fail and slow it.
                    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
                });
            }

            return _browser;
        }
        finally
        {
            _launch.Release();
        }
    }

    public override async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        _launch.Dispose();
        await base.DisposeAsync();
    }
}
