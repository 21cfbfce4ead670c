return await Portcullis.Cli.CliApp.Create(TimeProvider.System).Parse(args).InvokeAsync().ConfigureAwait(false);
