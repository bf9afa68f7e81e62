/* SPDX-License-Identifier: GPL-3.0-or-later
 * Ownership of the terminal: the one module that starts and ends curses,
 * follows size changes, and keeps log output off the screen while curses is
 * active (it is printed after the terminal is restored).
 */
#pragma once

#include <glib.h>

gboolean ui_term_init (gboolean want_color, GError **error);
void ui_term_done (void);
void ui_term_resize (void);
gboolean ui_term_is_utf8 (void);
void ui_term_lock_down (void);
