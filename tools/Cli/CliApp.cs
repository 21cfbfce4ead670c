using System.CommandLine;
using Portcullis.Cli.Deploy;
using Portcullis.Cli.Dev;
using Portcullis.Cli.Keys;
using Portcullis.Cli.Token;
using Portcullis.Cli.Validate;

namespace Portcullis.Cli;

/// <summary>The <c>portcullis</c> command tree.</summary>
internal static class CliApp
{
    public static RootCommand Create(TimeProvider time)
    {
        var root = new RootCommand("portcullis: an API-key gateway for Google Cloud that reads API Gateway / Cloud Endpoints OpenAPI configs.");
        root.Subcommands.Add(DevCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(KeysCommand.Create(time));
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(DeployCommand.Create());
        root.Subcommands.Add(TokenCommand.Create(time));
        return root;
    }
}
