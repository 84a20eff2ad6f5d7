using System.Runtime.Versioning;

// The Bicep CLI these tests run is the linux-x64 build (package Azure.Bicep.CommandLine.linux-x64), like CI's machines.
[assembly: SupportedOSPlatform("linux")]
