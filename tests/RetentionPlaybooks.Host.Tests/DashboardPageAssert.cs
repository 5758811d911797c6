using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>Reading the dashboard's HTML back: its headline figures, a channel's chart, and whether its SVG is sound.</summary>
internal static class DashboardPageAssert
{
    public static string Figure(string html, string key)
    {
        var match = Regex.Match(html, $"data-figure=\"{key}\"><dt>[^<]*</dt><dd class=\"value\">(?<value>[^<]*)</dd><dd class=\"detail\">(?<detail>[^<]*)</dd>");
        Assert.True(match.Success, $"no headline figure {key}");
        return match.Groups["value"].Value + " | " + match.Groups["detail"].Value;
    }

    public static string ChannelFigure(string html, string channelAttribute)
    {
        var start = html.IndexOf($"<figure class=\"channel\" data-channel=\"{channelAttribute}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no chart for channel {channelAttribute}");
        return html[start..html.IndexOf("</figure>", start, StringComparison.Ordinal)];
    }

    public static List<string> Svgs(string html) => Regex.Matches(html, "<svg\\b.*?</svg>", RegexOptions.Singleline).Select(m => m.Value).ToList();

    private static readonly Regex Number = new("^-?[0-9]+(\\.[0-9]+)?$");
    private static readonly Regex PathData = new("^([MLHV]-?[0-9]+(\\.[0-9]+)?( -?[0-9]+(\\.[0-9]+)?)?|Z)+$");

    /// <summary>Every SVG is well-formed XML and every geometry attribute a finite number, lengths not negative.</summary>
    public static void AssertValidSvg(string html)
    {
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", html, StringComparison.Ordinal);
        Assert.DoesNotContain("∞", html, StringComparison.Ordinal);
        foreach (var svg in Svgs(html))
        {
            var root = XElement.Parse(svg);
            Assert.Equal("img", (string?)root.Attribute("role"));
            Assert.False(string.IsNullOrWhiteSpace((string?)root.Attribute("aria-label")));
            var box = ((string)root.Attribute("viewBox")!).Split(' ');
            Assert.Equal(4, box.Length);
            Assert.All(box, v => Assert.Matches(Number, v));
            foreach (var element in root.DescendantsAndSelf())
            {
                foreach (var attribute in element.Attributes())
                {
                    switch (attribute.Name.LocalName)
                    {
                        case "x" or "y" or "x1" or "x2" or "y1" or "y2" or "cx" or "cy":
                            Assert.Matches(Number, attribute.Value);
                            break;
                        case "width" or "height" or "r":
                            Assert.Matches(Number, attribute.Value);
                            Assert.True(double.Parse(attribute.Value, CultureInfo.InvariantCulture) >= 0, $"negative {attribute}");
                            break;
                        case "d":
                            Assert.Matches(PathData, attribute.Value);
                            break;
                    }
                }
            }
        }
    }
}
