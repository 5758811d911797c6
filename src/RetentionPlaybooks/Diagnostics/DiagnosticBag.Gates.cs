using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Diagnostics;

/// <summary>Messages of the gate expression language (RP02xx).</summary>
internal sealed partial class DiagnosticBag
{
    internal void ReportUnexpectedToken(SourceLocation location, string token, string expected) =>
        // A string token already carries its quotes.
        Error("RP0201", location, token.StartsWith('"') || token.StartsWith('\'')
            ? $"unexpected {token}; {expected}"
            : $"unexpected \"{token}\"; {expected}");

    internal void ReportUnexpectedEnd(SourceLocation location, string expected) =>
        Error("RP0201", location, $"unexpected end of gate; {expected}");

    internal void ReportBadCharacter(SourceLocation location, string text, string hint) =>
        Error("RP0201", location, $"unexpected character \"{text}\"; {hint}");

    internal void ReportUnterminatedString(SourceLocation location, string text, char quote) =>
        Error("RP0201", location, $"unterminated string {text}; expected a closing {quote}");

    internal void ReportBadEscape(SourceLocation location, string escape) =>
        Error("RP0201", location, $"unknown escape \"{escape}\" in string; expected \\\", \\' or \\\\");

    internal void ReportMissingPathSegment(SourceLocation location, string path) =>
        Error("RP0201", location, $"unexpected \".\" after \"{path}\"; expected a field name");

    internal void ReportUnknownField(SourceLocation location, string path, string? suggestion) =>
        Error("RP0202", location, $"unknown field \"{path}\"{DidYouMean(suggestion)}");

    internal void ReportFieldOfNonObject(SourceLocation location, string path, string parentPath, DataType parentType) =>
        Error("RP0202", location, $"unknown field \"{path}\": \"{parentPath}\" is {parentType}, which has no fields");

    internal void ReportRootIsNotAField(SourceLocation location, string root, string? example) =>
        Error("RP0202", location, example is null
            ? $"\"{root}\" is not a field; name a field under it"
            : $"\"{root}\" is not a field; name a field under it, such as \"{example}\"");

    internal void ReportUndefinedBinaryOperator(SourceLocation location, string op, DataType left, DataType right) =>
        Error("RP0203", location, $"operator \"{op}\" is not defined for {left} and {right}");

    internal void ReportUndefinedUnaryOperator(SourceLocation location, string op, DataType operand) =>
        Error("RP0203", location, $"operator \"{op}\" is not defined for {operand}");

    internal void ReportListNotAllowed(SourceLocation location) =>
        Error("RP0203", location, "a list of values can only follow \"in\"");

    internal void ReportGateNotBoolean(SourceLocation location, string text, DataType type) =>
        Error("RP0204", location, $"gate must be a boolean expression, but \"{text}\" is {type}");

    internal void ReportRootUnavailable(SourceLocation location, string path, string reason) =>
        Error("RP0205", location, $"\"{path}\" is not available: {reason}");

    internal void ReportUnknownFunction(SourceLocation location, string name, string? suggestion) =>
        Error("RP0206", location, $"unknown function \"{name}\"{DidYouMean(suggestion)}");

    internal void ReportWrongArgumentCount(SourceLocation location, string function, int count) =>
        Error("RP0206", location, $"function \"{function}\" takes one field, but was given {count} arguments");

    internal void ReportArgumentNotAField(SourceLocation location, string function, string argument) =>
        Error("RP0206", location, $"function \"{function}\" takes a field, but \"{argument}\" is not one");

    internal void ReportArgumentNotAList(SourceLocation location, string function, string argument, DataType type) =>
        Error("RP0206", location, $"function \"{function}\" takes a list field, but \"{argument}\" is {type}");

    internal void ReportBadDuration(SourceLocation location, string text) =>
        Error("RP0207", location, $"invalid duration \"{text}\"; expected a whole number and one unit of s, m, h, d or w, such as 30d");

    internal void ReportGateTooDeep(SourceLocation location, int limit) =>
        Error("RP0208", location, $"the gate nests more than {limit} levels of parentheses, lists, calls or \"not\" here; split it into several gates (every gate must pass)");

    internal void ReportGateTooManyOperators(SourceLocation location, int limit) =>
        Error("RP0208", location, $"the gate has more than {limit} operators (\"and\", \"or\", comparisons); split it into several gates (every gate must pass)");
}
