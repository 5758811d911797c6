using System.Text;
using System.Text.Encodings.Web;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// The encoder Fluid applies to every value an output expression writes, so data is mrkdwn-escaped while
/// the template's own literal text passes through untouched.
/// </summary>
internal sealed class MrkdwnEncoder : TextEncoder
{
    public static readonly MrkdwnEncoder Instance = new();

    private MrkdwnEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 5;

    public override bool WillEncode(int unicodeScalar) => Mrkdwn.EscapeOf(unicodeScalar) is not null;

    public override string Encode(string value) => Mrkdwn.Escape(value);

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
        new ReadOnlySpan<char>(text, textLength).IndexOfAny('&', '<', '>');

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        var escaped = Mrkdwn.EscapeOf(unicodeScalar);
        if (escaped is not null)
        {
            numberOfCharactersWritten = escaped.Length;
            return escaped.AsSpan().TryCopyTo(destination);
        }
        if (!Rune.IsValid(unicodeScalar))
        {
            numberOfCharactersWritten = 0;
            return false;
        }
        return new Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten);
    }
}
