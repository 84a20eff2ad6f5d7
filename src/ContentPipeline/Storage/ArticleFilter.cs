namespace ContentPipeline.Storage;

/// <summary>A filter on one dimension; the value is matched by its <see cref="Slug"/>.</summary>
/// <param name="Kind">The dimension.</param>
/// <param name="Slug">The slug of the requested value.</param>
public sealed record ArticleFilter(ArticleFilterKind Kind, string Slug);
