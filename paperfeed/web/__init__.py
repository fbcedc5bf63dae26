"""The site: routes and templates. Reads the store; never talks to a source."""
