/* SPDX-License-Identifier: GPL-3.0-or-later
 * Terminal set-up and restore. SIGWINCH belongs to the GLib main loop (see
 * ui-app.c), which is installed before curses starts so ncurses leaves the
 * signal alone; the loop calls ui_term_resize(). While curses owns the screen,
 * stderr goes to an anonymous memory file, replayed on the real stderr after
 * endwin(), so warnings never garble the screen nor land on disk.
 */
#include "config.h"

#include "ui-term.h"

#include "ui-screen.h"

#include <curses.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static SCREEN *screen;
static int saved_stderr = -1;
static int log_fd = -1;

static void
redirect_stderr (void)
{
  log_fd = memfd_create ("iotsetup-log", MFD_CLOEXEC);
  if (log_fd < 0)
    return;
  (void) fflush (stderr); /* unbuffered; nothing is lost if this fails */
  saved_stderr = dup (STDERR_FILENO);
  dup2 (log_fd, STDERR_FILENO);
}

static void
replay_stderr (void)
{
  if (saved_stderr < 0)
    return;
  (void) fflush (stderr);
  dup2 (saved_stderr, STDERR_FILENO);
  close (saved_stderr);
  saved_stderr = -1;
  char buf[4096];
  ssize_t n;
  lseek (log_fd, 0, SEEK_SET);
  while ((n = read (log_fd, buf, sizeof buf)) > 0)
    if (write (STDERR_FILENO, buf, n) != n)
      break;
  close (log_fd);
  log_fd = -1;
}

gboolean
ui_term_init (gboolean want_color, GError **error)
{
  if (!isatty (STDIN_FILENO) || !isatty (STDOUT_FILENO))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The interactive assistant needs a terminal. For scripts, use "
                     "“iotsetup scan --json”."));
      return FALSE;
    }
  screen = newterm (NULL, stdout, stdin);
  if (screen == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Cannot use this terminal (TERM=%s)."), g_getenv ("TERM") ?: "");
      return FALSE;
    }
  set_term (screen);
  redirect_stderr ();
  cbreak ();
  noecho ();
  nonl ();
  keypad (stdscr, TRUE);
  nodelay (stdscr, TRUE);
  set_escdelay (25);
  curs_set (0);
  gboolean color = want_color && has_colors ();
  if (color)
    {
      start_color ();
      use_default_colors ();
    }
  ui_screen_init_styles (color);
  return TRUE;
}

void
ui_term_done (void)
{
  if (screen == NULL)
    return;
  endwin ();
  delscreen (screen);
  screen = NULL;
  replay_stderr ();
}

/* Follows a size change reported by SIGWINCH. */
void
ui_term_resize (void)
{
  struct winsize ws;
  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
    resize_term (ws.ws_row, ws.ws_col);
  /* The terminal may have reflowed or cleared its contents on the resize
   * (tmux does), so what curses believes is on screen is stale; sending only
   * the differences would leave old cells behind (in a QR code, wrong
   * modules). Repaint everything on the next refresh. */
  clearok (curscr, TRUE);
}

gboolean
ui_term_is_utf8 (void)
{
  return g_strcmp0 (nl_langinfo (CODESET), "UTF-8") == 0;
}

/* Kiosk mode: raw input, so the keys that would signal (Ctrl-C, Ctrl-Z,
 * Ctrl-\\) or stop output (Ctrl-S) arrive as ordinary characters. */
void
ui_term_lock_down (void)
{
  raw ();
}
