"""What each screen shows, without Qt: typed results, labels and formatting.

One module per tab and one for administration. Each screen refresh is one call here
(`person_screen(...)`, `claim_screen(...)`, ...) that returns everything the widget displays,
so a widget never combines the results of two calls. Screens import services and core, never
the store (docs/architecture.md)."""
