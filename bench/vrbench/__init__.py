# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""vrouter's benchmark (bench/README.md): the rig (config, host, rig,
planes, measure), the scenarios (scenarios, table1, admission), the output
(report, tables, plots) and the command line (cli, runner)."""
