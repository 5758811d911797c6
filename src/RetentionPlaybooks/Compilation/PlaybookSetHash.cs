using System.Security.Cryptography;
using System.Text;

namespace RetentionPlaybooks.Compilation;

/// <summary>
/// Which playbook set a host runs: SHA-256 over each compiled file's name (not its folder, so two hosts with the same
/// files in different places agree) and text, in ordinal order of name; the first 16 hex digits.
/// </summary>
internal static class PlaybookSetHash
{
    public static string Of(IEnumerable<SourceFile> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, text) in files.Select(f => (Path.GetFileName(f.Path), f.Text)).OrderBy(f => f.Item1, StringComparer.Ordinal))
        {
            // Lengths first, so no two different sets of names and texts run together into the same bytes.
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var textBytes = Encoding.UTF8.GetBytes(text);
            AppendWithLength(sha, nameBytes);
            AppendWithLength(sha, textBytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    private static void AppendWithLength(IncrementalHash sha, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, bytes.Length);
        sha.AppendData(length);
        sha.AppendData(bytes);
    }
}
