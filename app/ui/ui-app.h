/* SPDX-License-Identifier: GPL-3.0-or-later
 * The interactive assistant: runs a wizard over a session on the GLib main
 * loop with keyboard, signals, discovery and redraws as sources.
 */
#pragma once

#include "app/core/iot-config.h"
#include "wizards/wizard.h"

int ui_app_run (IotConfig *config, const IotStepClass *const *steps);
