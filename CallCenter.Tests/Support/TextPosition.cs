namespace CallCenter.Tests.Support;

/// <summary>
/// Where a piece of text starts in a document, as 1-based line and column: what an XML reader reports for an
/// element (the column of its name, just after '&lt;') or an attribute (the column of its name). Lets a test
/// say "the error is on port=\"70000\"" instead of hard-coding numbers that break when the sample is edited.
/// </summary>
public static class TextPosition
{
    public static (int Line, int Column) Of(string text, string marker, int occurrence = 1)
    {
        var index = -1;
        for (var i = 0; i < occurrence; i++)
        {
            index = text.IndexOf(marker, index + 1, StringComparison.Ordinal);
            if (index < 0)
            {
                throw new ArgumentException($"'{marker}' occurs fewer than {occurrence} times in the sample.", nameof(marker));
            }
        }

        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, index - lineStart + 1);
    }
}
