#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SIGINT at every step of the real assistant, then SIGQUIT and the core
# dump rule: see faults-signals.sh.
FAULT_SIGNALS=INT FAULT_CORES=1 exec bash "$(dirname "$0")/faults-signals.sh"
