using System.Collections;
using System.Text.Json;

namespace ContentPipeline.LocalHost;

/// <summary>
/// The function app's settings, gathered the way Core Tools gathers them: a <c>local.settings.json</c>'s Values
/// (lowest), the host's environment, then the host configuration's <c>Values</c> section (command line
/// <c>--Values:Name=value</c>, or a test's settings; highest). The worker gets them as its environment; the host reads
/// connections (<c>AzureWebJobsStorage</c>, a trigger's <c>Connection</c>) and <c>%Setting%</c> expressions from them.
/// Names use <c>__</c> or <c>:</c> for sections, case-insensitively, as app settings do.
/// </summary>
public sealed class AppSettings
{
    /// <summary>The host's section of app settings.</summary>
    public const string Section = "Values";

    private readonly Dictionary<string, string> _values;

    private AppSettings(Dictionary<string, string> values, Dictionary<string, string> overlay)
    {
        _values = values;
        WorkerOverlay = overlay;
        Configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value)))
            .Build();
    }

    /// <summary>Every setting as configuration (<c>__</c> read as <c>:</c>), for connection sections.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>What the worker's environment gets on top of the host's own: settings the environment lacks or that the host was given.</summary>
    public IReadOnlyDictionary<string, string> WorkerOverlay { get; }

    /// <summary>A setting, or null.</summary>
    public string? this[string name] => _values.TryGetValue(Normalize(name), out var value) ? value : null;

    /// <param name="localSettingsFile">A local.settings.json (the app's project keeps one; the published package does not).</param>
    /// <param name="hostConfiguration">The host's configuration, whose <see cref="Section"/> holds settings given to the host.</param>
    public static AppSettings Load(string? localSettingsFile, IConfiguration hostConfiguration)
    {
        ArgumentNullException.ThrowIfNull(hostConfiguration);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var overlay = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in LocalSettings(localSettingsFile))
        {
            values[Normalize(name)] = value;
            overlay[Normalize(name)] = value;
        }

        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = Normalize((string)variable.Key);
            values[name] = (string?)variable.Value ?? string.Empty;
            overlay.Remove(name); // the environment wins over local.settings.json, as with 'func start'
        }

        foreach (var (key, value) in hostConfiguration.GetSection(Section).AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                values[Normalize(key)] = value;
                overlay[Normalize(key)] = value;
            }
        }

        return new AppSettings(values, overlay);
    }

    /// <summary>Resolves <c>%Name%</c> expressions (a timer's schedule), failing clearly on a missing setting.</summary>
    public string Resolve(string expression, string usedBy)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var parts = expression.Split('%');
        for (var i = 1; i < parts.Length; i += 2)
        {
            parts[i] = this[parts[i]] ?? throw new InvalidOperationException($"Setting '{parts[i]}' used by {usedBy} is not set.");
        }

        return string.Concat(parts);
    }

    private static string Normalize(string name) => name.Replace(":", "__", StringComparison.Ordinal);

    private static IEnumerable<(string Name, string Value)> LocalSettings(string? path)
    {
        if (path is null)
        {
            yield break;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The settings file {path} does not exist.", path);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        if (json.RootElement.TryGetProperty("Values", out var settings))
        {
            foreach (var setting in settings.EnumerateObject())
            {
                yield return (setting.Name, setting.Value.ToString());
            }
        }
    }
}
