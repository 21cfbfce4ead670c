return await Portcullis.ConfigDeployer.DeployerApp.RunAsync(args).ConfigureAwait(false);
