using System.CommandLine;
using Portcullis.Cli.Dev;
using Portcullis.Cli.Keys;
using Portcullis.Cli.Validate;

var root = new RootCommand("portcullis: an API-key gateway for Google Cloud that reads API Gateway / Cloud Endpoints OpenAPI configs.");
root.Subcommands.Add(DevCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(KeysCommand.Create(TimeProvider.System));
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
