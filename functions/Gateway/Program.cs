return await Portcullis.Gateway.GatewayApp.RunAsync(args).ConfigureAwait(false);
