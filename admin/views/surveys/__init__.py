"""Survey screens: keyboard entry, instruments, responses, welfare standing, survey campaigns, enumerators."""
