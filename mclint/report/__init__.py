"""Stage 6: reporters. Each turns a finished Report (mclint.result) into text for one reader; none re-reads files."""

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown", "html")
