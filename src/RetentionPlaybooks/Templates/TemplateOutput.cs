namespace RetentionPlaybooks.Templates;

/// <summary>Where rendered text goes in a Slack message, which decides how data values are escaped.</summary>
internal enum TemplateOutput
{
    /// <summary>A mrkdwn text object: every value from data is escaped, literal template text is not.</summary>
    Mrkdwn,

    /// <summary>A plain_text object: Slack shows it verbatim, so nothing is escaped.</summary>
    PlainText,
}
