namespace ContentPipeline.Functions.Http;

/// <summary>Who is asking: anonymous readers see published articles without <c>secured</c>; editors see everything.</summary>
internal enum Audience
{
    Public,
    Editor,
}
