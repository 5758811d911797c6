using RetentionPlaybooks.Templates;
using Xunit;

namespace RetentionPlaybooks.Tests.Templates;

/// <summary>
/// Where a template's variables and filters were written (the column of a template diagnostic): only inside
/// <c>{{ }}</c> and <c>{% %}</c>, never in literal text or a quoted string, at a whole name, in source order.
/// </summary>
public sealed class TemplateSourceLocatorTests
{
    private static int Variable(string source, string text) => new TemplateSourceLocator(source).FindVariable(text);

    private static int Filter(string source, string name) => new TemplateSourceLocator(source).FindFilter(name);

    [Theory]
    [InlineData("{{ customer.id }}", 3)]
    [InlineData("customer.id {{ customer.id }}", 15)]                       // literal text first
    [InlineData("{{ \"customer.id\" | append: customer.id }}", 27)]         // a quoted string first
    [InlineData("{{ 'customer.id' | append: customer.id }}", 27)]
    [InlineData("{{ \" customer.id\" | append: customer.id }}", 28)]
    [InlineData("{{ \"}}\" | append: customer.id }}", 18)]                   // a closing brace inside quotes does not close
    [InlineData("{{ customer.idx }}{{ customer.id }}", 21)]                 // a longer name is another name
    [InlineData("{{ xcustomer.id }}{{ customer.id }}", 21)]
    [InlineData("{{ a.customer.id }}{{ customer.id }}", 22)]                // a member of something else
    [InlineData("{{-customer.id-}}", 3)]                                     // whitespace control
    [InlineData("{%-if customer.id-%}{%-endif-%}", 6)]
    [InlineData("{% if x -customer.id %}{{ customer.id }}", 26)]            // a minus that is not whitespace control
    [InlineData("{{ customer.id-x }}{{ customer.id }}", 22)]
    [InlineData("{% if a %}customer.id{% endif %}{{ customer.id }}", 35)]   // text between tags
    [InlineData("{% if a }}customer.id{% endif %}", 10)]                    // "}}" does not close a tag
    [InlineData("{{ a %}customer.id }}", 7)]                                 // "%}" does not close an output
    [InlineData("{ customer.id }", -1)]                                      // one brace is text
    [InlineData("customer.id", -1)]
    [InlineData("{{ customer.id", 3)]                                        // unterminated: still code, the name ends the text
    [InlineData("{{ customer.id }}{", 3)]
    [InlineData("{{ customer.id-", -1)]                                      // a minus at the very end closes nothing
    [InlineData("", -1)]
    public void FindVariable_IsTheFirstWholeNameInCode(string source, int expected)
    {
        Assert.Equal(expected, Variable(source, "customer.id"));
    }

    [Fact]
    public void FindVariable_OfNothing_IsNowhere()
    {
        Assert.Equal(-1, Variable("{{ customer.id }}", ""));
    }

    [Fact]
    public void FindVariable_MovesForward_AndAnOutOfOrderAskPointsAtTheFirstSpotWithoutMovingBack()
    {
        var locator = new TemplateSourceLocator("{{ customer.id }} {{ customer.email }} {{ customer.id }}");

        Assert.Equal(3, locator.FindVariable("customer.id"));
        Assert.Equal(21, locator.FindVariable("customer.email"));
        Assert.Equal(42, locator.FindVariable("customer.id"));                        // the second occurrence
        Assert.Equal(21, locator.FindVariable("customer.email"));                     // out of order: the first spot
        Assert.Equal(3, locator.FindVariable("customer.id"));                         // the cursor did not move back
        Assert.Equal(-1, locator.FindVariable("customer.phone"));
    }

    [Theory]
    [InlineData("{{ x | money }}", 7)]
    [InlineData("{{ x |money}}", 6)]
    [InlineData("{{ x|money }}", 5)]
    [InlineData("{{ x | money", 7)]                                          // at the very end
    [InlineData("{{ money | money }}", 11)]                                  // a variable named like it is not the filter
    [InlineData("{{ x | moneys | money }}", 16)]                             // a longer filter is another filter
    [InlineData("{{ x | upcase }} | money", -1)]                             // a bar in text
    [InlineData("{{ x | money-}}", 7)]
    [InlineData("money", -1)]
    public void FindFilter_IsTheFirstWholeNameAfterABarInCode(string source, int expected)
    {
        Assert.Equal(expected, Filter(source, "money"));
    }
}
