// The keyring-scale benchmark (issue 16): a million keys in a gs:// keyring on the Cloud Storage fake.
//   all [KEYS]                 the whole table (default 1,000,000 keys); bench/keyring-scale runs it
//   load URL LOCATION          child process: cold-loads the keyring once, prints seconds and managed heap
//   check URL BIG SMALL FILE   child process: key-check cost against the big and the small keyring
//   backend                    child process: the minimal backend the gateway forwards to (prints its URL)
//   writer URL LOCATION revoke|show IDSFILE SECONDS   child process: a warm writer changing one key every 2 s
//   aot-probe BINARY           a published (Native AOT) gateway against the fake: gs:// keyring and config
using System.Diagnostics;
using System.Globalization;
using Portcullis.KeyringScale;

string mode = args.Length > 0 ? args[0] : "all";
return mode switch
{
    "all" => await Scenarios.RunAllAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000),
    "load" => await Children.LoadAsync(args[1], args[2]),
    "check" => await Children.CheckAsync(args[1], args[2], args[3], args[4]),
    "backend" => await Children.BackendAsync(),
    "writer" => await Writer.RunAsync(args[1], args[2], args[3], args[4], int.Parse(args[5], CultureInfo.InvariantCulture)),
    "aot-probe" => await AotProbe.RunAsync(args[1]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: all [KEYS] | load URL gs://B/P | check URL gs://BIG gs://SMALL KEYSFILE | backend | writer URL gs://B/P revoke|show IDSFILE SECONDS | aot-probe GATEWAY_BINARY");
    return 2;
}
