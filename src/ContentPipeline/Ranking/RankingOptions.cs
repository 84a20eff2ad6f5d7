using System.ComponentModel.DataAnnotations;

namespace ContentPipeline.Ranking;

/// <summary>
/// The weights of <c>order=hot</c> (section <c>Ranking</c>); the formula is <see cref="HotScore"/>'s. A hot list ranks
/// the newest <see cref="Window"/> entries of its list, so its cost is bounded whatever the archive holds.
/// </summary>
public sealed class RankingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ranking";

    /// <summary>Newest entries of a list that a hot list ranks (older ones have decayed out of contention).</summary>
    [Range(1, 1000)]
    public int Window { get; set; } = 300;

    /// <summary>Weight of the article's <c>heat</c>.</summary>
    [Range(0.0, 100.0)]
    public double HeatWeight { get; set; } = 1.0;

    /// <summary>Weight of the article's <c>quality</c>.</summary>
    [Range(0.0, 100.0)]
    public double QualityWeight { get; set; } = 0.2;

    /// <summary>Weight of the natural log of the number of sources covering the story (one until stories exist).</summary>
    [Range(0.0, 100.0)]
    public double SourcesWeight { get; set; } = 3.0;

    /// <summary>How fast age pulls a score down (the exponent of its age in hours plus <see cref="AgeOffsetHours"/>).</summary>
    [Range(0.0, 5.0)]
    public double Gravity { get; set; } = 1.5;

    /// <summary>Hours added to every article's age, so the newest ones do not dwarf everything.</summary>
    [Range(0.1, 48.0)]
    public double AgeOffsetHours { get; set; } = 2.0;
}
