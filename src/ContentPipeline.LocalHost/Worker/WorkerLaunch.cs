namespace ContentPipeline.LocalHost.Worker;

/// <summary>How to start one worker: the published app, the host's gRPC address, the worker's ids and its environment.</summary>
public sealed record WorkerLaunch(string AppDirectory, Uri RpcUri, string WorkerId, IReadOnlyDictionary<string, string> Settings);
