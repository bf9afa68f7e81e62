#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SIGTERM at every step of the real assistant: see faults-signals.sh.
FAULT_SIGNALS=TERM exec bash "$(dirname "$0")/faults-signals.sh"
