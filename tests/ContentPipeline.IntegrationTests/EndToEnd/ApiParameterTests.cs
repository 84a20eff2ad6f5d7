using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Contract;
using ContentPipeline.IntegrationTests.Infrastructure;
using Microsoft.OpenApi;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// The parameters openapi.json declares are the ones the functions read, with the same bounds: every operation is
/// driven from the document through the running host, so renaming, adding or dropping a parameter on either side fails.
/// </summary>
[Collection(ApiContractCollection.Name)]
public sealed class ApiParameterTests(LocalHostFixture host)
{
    private const string Undeclared = "undeclared";
    private const string WellFormedId = "0123456789abcdef0123";

    private static readonly ApiContract Contract = ApiContract.Instance;

    public static TheoryData<string> Operations() => [.. Contract.Operations.Select(o => o.Id)];

    /// <summary>(operation, parameter, location, value, whether the operation takes it): the document's bounds, each side of them.</summary>
    public static TheoryData<string, string, string, string, bool> Bounds()
    {
        var data = new TheoryData<string, string, string, string, bool>();
        foreach (var operation in Contract.Operations)
        {
            foreach (var parameter in operation.Parameters(ParameterLocation.Query).Concat(operation.Parameters(ParameterLocation.Path)))
            {
                var location = parameter.In!.Value.ToString();
                foreach (var (value, taken) in Probes(parameter.Schema!))
                {
                    data.Add(operation.Id, parameter.Name!, location, value, taken);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task AnUndeclaredQueryParameter_IsRefused_ListingWhatTheOperationReads_WhichIsWhatTheDocumentDeclares(string operationId)
    {
        var operation = Contract.Operation(operationId);

        using var response = await SendAsync(operation, query: $"{Undeclared}=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Undeclared, problem.GetProperty("parameter").GetString());
        var declared = operation.Parameters(ParameterLocation.Query).Select(p => p.Name).Order(StringComparer.Ordinal);
        var read = problem.GetProperty("known").EnumerateArray().Select(k => k.GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(declared, read);
    }

    [Theory]
    [MemberData(nameof(Bounds))]
    public async Task ADeclaredParameter_IsTakenWithinItsDeclaredBounds_AndRefusedOutside(string operationId, string parameter, string location, string value, bool taken)
    {
        var operation = Contract.Operation(operationId);

        using var response = location == nameof(ParameterLocation.Path)
            ? await SendAsync(operation, pathValue: value)
            : await SendAsync(operation, query: $"{parameter}={Uri.EscapeDataString(value)}");

        var refusedFor = response.StatusCode == HttpStatusCode.BadRequest
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parameter").GetString()
            : null;
        if (taken)
        {
            Assert.NotEqual(parameter, refusedFor);
        }
        else
        {
            Assert.Equal(parameter, refusedFor);
        }
    }

    [Fact]
    public async Task EveryDeclaredHeaderParameter_DoesWhatTheDocumentSays()
    {
        var file = new ArticleText { IsPublished = true };
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");

        var probed = 0;
        foreach (var operation in Contract.Operations)
        {
            foreach (var header in operation.Parameters(ParameterLocation.Header))
            {
                // The article's current ETag: a toggle before this one may have changed it.
                using var current = await SendAsync(Contract.Operation("GetEditorArticle"), pathValue: id);
                var etag = current.Headers.ETag!.ToString();
                switch (header.Name)
                {
                    case "If-None-Match":
                        // What the operation itself tags (the article, or the desk's page), sent back.
                        var target = operation.Id == "EditorDesk" ? "index.html" : id;
                        using (var tagged = await SendAsync(operation, pathValue: target))
                        {
                            Assert.Equal(HttpStatusCode.NotModified, (await SendAsync(operation, pathValue: target, header: (header.Name, tagged.Headers.ETag!.ToString()))).StatusCode);
                        }

                        break;
                    case "If-Match" when operation.Id is "SplitStory" or "MergeStory":
                        // A story's tag: the article is its story's only one (its id is the story's). Stale: 412 with the
                        // current tag; none: 428. (The happy paths are StoryApiTests'.)
                        using (var story = await SendAsync(Contract.Operation("GetEditorStory"), pathValue: id))
                        {
                            var query = operation.Id == "SplitStory" ? $"article={id}" : $"story={WellFormedId}";
                            using var staleStory = await SendAsync(operation, query, pathValue: id, header: (header.Name, "\"999999\""));
                            Assert.Equal(operation.Id == "SplitStory" ? HttpStatusCode.PreconditionFailed : HttpStatusCode.NotFound, staleStory.StatusCode);
                            if (operation.Id == "SplitStory")
                            {
                                Assert.Equal(story.Headers.ETag!.ToString(), staleStory.Headers.ETag?.ToString());
                            }

                            Assert.Equal(HttpStatusCode.PreconditionRequired, (await SendAsync(operation, query, pathValue: id)).StatusCode);
                        }

                        break;
                    case "If-Match":
                        using (var stale = await SendAsync(operation, pathValue: id, header: (header.Name, "\"999999\"")))
                        {
                            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
                            Assert.Equal(etag.Split('-')[0].Trim('"'), stale.Headers.ETag?.ToString().Trim('"')); // the version (a lookup's tag adds its story's digest)
                        }

                        using (var malformed = await SendAsync(operation, pathValue: id, header: (header.Name, "not-an-etag")))
                        {
                            Assert.Equal(header.Name, (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parameter").GetString());
                        }

                        Assert.Equal(HttpStatusCode.OK, (await SendAsync(operation, pathValue: id, header: (header.Name, etag))).StatusCode);
                        if (operation.Id == "TakeDownArticle")
                        {
                            // Lift it, or every later change of the article is refused.
                            Assert.Equal(HttpStatusCode.OK, (await SendAsync(Contract.Operation("RestoreArticle"), pathValue: id)).StatusCode);
                        }

                        break;
                    default:
                        Assert.Fail($"{operation.Id} declares header parameter {header.Name}, which this test cannot probe yet: teach it what the header does.");
                        break;
                }

                probed++;
            }
        }

        Assert.True(probed >= 6, "the document declares If-None-Match on both lookups, If-Match on both toggles and on both story edits");
    }

    private static IEnumerable<(string Value, bool Taken)> Probes(IOpenApiSchema schema)
    {
        if (schema.Enum is { Count: > 0 } values)
        {
            foreach (var value in values)
            {
                yield return (value!.GetValue<string>(), true);
            }

            yield return ("not-one-of-them", false);
        }
        else if (schema.Type == JsonSchemaType.Integer)
        {
            var minimum = long.Parse(schema.Minimum!, CultureInfo.InvariantCulture);
            var maximum = long.Parse(schema.Maximum!, CultureInfo.InvariantCulture);
            yield return (minimum.ToString(CultureInfo.InvariantCulture), true);
            yield return (maximum.ToString(CultureInfo.InvariantCulture), true);
            yield return ((minimum - 1).ToString(CultureInfo.InvariantCulture), false);
            yield return ((maximum + 1).ToString(CultureInfo.InvariantCulture), false);
            yield return ("ten", false);
        }
        else if (schema.Pattern is not null)
        {
            yield return (WellFormedId, true);
            yield return ("Not-An-Id", false);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(ApiOperation operation, string query = "", string pathValue = WellFormedId, (string Name, string Value)? header = null)
    {
        var path = operation.PathWith(Contract.BasePath, _ => pathValue);
        using var request = new HttpRequestMessage(operation.Method, query.Length == 0 ? path : $"{path}?{query}");
        if (operation.IsSecured)
        {
            request.Headers.Add("x-functions-key", LocalHostFixture.MasterKey);
        }

        if (header is var (name, value))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await host.Http.SendAsync(request);
    }
}
