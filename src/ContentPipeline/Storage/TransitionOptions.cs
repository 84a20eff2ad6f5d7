namespace ContentPipeline.Storage;

/// <summary>The transitions timer (embargoes that end, expiries that pass).</summary>
public static class TransitionOptions
{
    /// <summary>The app setting with the timer's NCRONTAB schedule (the trigger reads <c>%TransitionSchedule%</c>).</summary>
    public const string ScheduleSetting = "TransitionSchedule";

    /// <summary>The documented default: every minute, so the index follows the clock within a minute.</summary>
    public const string DefaultSchedule = "0 * * * * *";

    /// <summary>Most transitions one run applies; more wait a minute for the next run.</summary>
    public const int MaxPerRun = 1_000;
}
