using System.CommandLine;
using RetentionPlaybooks.Cli.Commands;

namespace RetentionPlaybooks.Cli;

/// <summary>The arguments and options that several commands declare, spelled the same in each.</summary>
internal static class CommandSpec
{
    public const string DefaultDirectory = "playbooks";

    /// <summary><c>[DIR]</c>: the playbooks folder, "playbooks" when not given.</summary>
    public static Argument<string> Directory(string description = "the playbooks folder (workspace.yaml, data-model.yaml, the playbooks)") => new("DIR")
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => DefaultDirectory,
    };

    /// <summary><c>--format</c> with its allowed values, the first the default; System.CommandLine rejects any other.</summary>
    public static Option<string> Format(string description, params string[] values)
    {
        var option = new Option<string>("--format")
        {
            Description = description,
            HelpName = string.Join('|', values),
            DefaultValueFactory = _ => values[0],
        };
        return option.AcceptOnlyFromAmong(values);
    }

    /// <summary><c>--event FILE</c>: one Customer.io payload (read by <see cref="SignalFile"/>).</summary>
    public static Option<string> Event(string description, bool required) => new("--event")
    {
        Description = description,
        HelpName = "FILE",
        Required = required,
    };

    /// <summary><c>--now TIME</c>: an ISO 8601 time, checked while parsing (by <see cref="SignalFile.ParseNow"/>).</summary>
    public static Option<DateTimeOffset?> Now(string description) => new("--now")
    {
        Description = description,
        HelpName = "TIME",
        CustomParser = SignalFile.ParseNow,
    };

    /// <summary>An option that takes one value and has a default.</summary>
    public static Option<string> Valued(string name, string helpName, string description, string defaultValue) => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => defaultValue,
    };
}
