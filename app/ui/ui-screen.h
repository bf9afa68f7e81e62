/* SPDX-License-Identifier: GPL-3.0-or-later
 * The screen frame: title line, body area, status line and function bar,
 * and the text primitives steps draw with (declared in ui.h).
 */
#pragma once

#include "app/core/iot-action.h"
#include "ui.h"

/* Below this the frame gives up and asks for a bigger terminal. */
#define UI_MIN_COLS 20
#define UI_MIN_ROWS 6

void ui_screen_init_styles (gboolean color);
gboolean ui_screen_has_color (void);
IotUi *ui_screen_begin (const char *title);
void ui_screen_end (IotUi *ui, const IotAction *bar, gboolean show_help);
gboolean ui_screen_too_small (void);
