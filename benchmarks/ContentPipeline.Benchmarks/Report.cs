using System.Globalization;
using System.Text;

namespace ContentPipeline.Benchmarks;

/// <summary>One line of the results table: a figure, its floor measured in the same run, their ratio, and the goal.</summary>
public sealed record ReportRow(string Figure, string Value, string Floor, double? Ratio, string Goal, bool? Pass);

/// <summary>Collects rows and prints the one table the command ends with.</summary>
public sealed class Report
{
    private readonly List<ReportRow> _rows = [];

    public void Add(ReportRow row)
    {
        _rows.Add(row);
        Console.WriteLine($"  {row.Figure}: {row.Value} (floor {row.Floor}){(row.Ratio is { } r ? $", ratio {r:0.00}" : string.Empty)}");
    }

    public string ToMarkdown(string header)
    {
        var text = new StringBuilder(header).Append("\n\n| Figure | Value | Floor (same run) | Ratio | Goal | Result |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var row in _rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {row.Figure} | {row.Value} | {row.Floor} | {(row.Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "–")} | {row.Goal} | {(row.Pass is { } p ? (p ? "pass" : "short") : "–")} |\n");
        }

        return text.ToString();
    }

    public static string Rate(double perSecond, string unit) => string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0} {unit}/s");

    public static string Ms(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:0.00} ms");
}
