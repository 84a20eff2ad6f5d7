using System.Text;
using BenchmarkDotNet.Attributes;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// The full path (decode, split, parse, validate, map to table entities) against the floor: YamlDotNet's own
/// deserializer on the same front-matter text, already split out. Each operation processes the whole sample.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    public const int SampleSize = 1_000;

    private readonly FrontMatterParser _parser = new(new FrontMatterLimits());
    private readonly IDeserializer _yaml = new DeserializerBuilder().Build();
    private IReadOnlyList<Corpus.Document> _documents = [];
    private string[] _frontMatter = [];
    private IReadOnlyList<Corpus.Document> _outsideBlockShape = [];

    [GlobalSetup]
    public void Setup()
    {
        _documents = Corpus.Generate(SampleSize, seed: 7);
        _frontMatter = _documents.Select(d => FrontMatterOf(Encoding.UTF8.GetString(d.Bytes))).ToArray();

        // The same files with one trailing comment, which the parser's own block reader leaves to YamlDotNet.
        _outsideBlockShape = _documents
            .Select(d => d with { Bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(d.Bytes).Replace("\ntype: article\n", "\ntype: article # as the provider says\n", StringComparison.Ordinal)) })
            .ToArray();
    }

    [Benchmark(Baseline = true, Description = "raw YamlDotNet deserialise")]
    public int RawYamlDotNet()
    {
        var fields = 0;
        foreach (var yaml in _frontMatter)
        {
            fields += _yaml.Deserialize<Dictionary<object, object>>(yaml).Count;
        }

        return fields;
    }

    /// <summary>
    /// YamlDotNet's event parser alone, events and nothing else: what the front-matter parser consumes, so the ceiling
    /// of any parser built on it.
    /// </summary>
    [Benchmark(Description = "YamlDotNet events alone")]
    public int YamlDotNetEvents()
    {
        var events = 0;
        foreach (var yaml in _frontMatter)
        {
            var parser = new Parser(new StringReader(yaml));
            while (parser.MoveNext())
            {
                events++;
            }
        }

        return events;
    }

    [Benchmark(Description = "parse and validate only")]
    public int ParseOnly() => ParseAll(_documents);

    /// <summary>Files outside the block reader's shape (flow lists, anchors, comments after a value...) go through YamlDotNet.</summary>
    [Benchmark(Description = "parse and validate, YamlDotNet's path")]
    public int ParseOnlyThroughYamlDotNet() => ParseAll(_outsideBlockShape);

    [Benchmark(Description = "full path: parse, validate, map")]
    public int FullPath()
    {
        var properties = 0;
        foreach (var document in _documents)
        {
            var result = _parser.Parse(document.Bytes, document.Name);
            var article = result.Article ?? throw new InvalidOperationException(string.Join("; ", result.Problems));
            var stored = Corpus.Stored(article, document.Name, contentHash: string.Empty);
            var keys = IndexPartitions.For(article, DateTimeOffset.UtcNow);
            properties += ArticleEntityCodec.Encode(stored, keys, [], true, null).Count;
            var summary = ArticleSummary.From(stored);
            foreach (var entry in ArticleEntityCodec.EncodeSummaries(summary, keys))
            {
                properties += entry.Count;
            }
        }

        return properties;
    }

    private int ParseAll(IReadOnlyList<Corpus.Document> documents)
    {
        var fields = 0;
        foreach (var document in documents)
        {
            fields += _parser.Parse(document.Bytes, document.Name).Article!.Topics.Count;
        }

        return fields;
    }

    /// <summary>The text between the two delimiter lines, as a front-matter splitter hands it to a YAML library.</summary>
    public static string FrontMatterOf(string text)
    {
        var start = text.IndexOf('\n', StringComparison.Ordinal) + 1;
        var end = text.IndexOf("\n---\n", start - 1, StringComparison.Ordinal);
        return text[start..(end + 1)];
    }
}
