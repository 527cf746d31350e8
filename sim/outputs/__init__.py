"""What the experiments produce for people: plots, the HTML report, traces and event-log files."""
