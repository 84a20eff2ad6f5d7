using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

[assembly: ExtensionInformation("Microsoft.Azure.WebJobs.Extensions.EventGrid", "3.3.0")]

namespace ContentPipeline.Functions.Events;

/// <summary>
/// The Event Grid trigger (binding type <c>eventGridTrigger</c>, served by the host's Event Grid extension at
/// <c>/runtime/webhooks/EventGrid?functionName={name}</c>). The worker package for it is not among the packages this
/// project may use, so the binding is declared here: the attribute is all the worker's metadata generator reads, and
/// <see cref="ExtensionInformationAttribute"/> makes the build install the host's extension, as that package would.
/// The function receives each event as its JSON text.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class EventGridTriggerAttribute : TriggerBindingAttribute
{
}
