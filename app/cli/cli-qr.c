/* SPDX-License-Identifier: GPL-3.0-or-later
 * `iotsetup qr [TEXT | -]`: TEXT (or standard input) as a QR code on the
 * terminal, sized to the window, in the rendering the TUI uses; or saved as
 * SVG or PNG. Exit 0 when it was shown or saved, 2 on any error, including a
 * window too small for the code (a broken code is worse than none).
 */
#include "config.h"

#include "cli.h"

#include "app/core/iot-qr.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Explicit black on white, never the terminal's default colours: a code must
 * be dark on light to scan, and the default may be light on dark. */
#define SGR_LIGHT "\033[30;47m" /* black on white */
#define SGR_DARK "\033[30;40m"  /* black on black: "##" reads as solid dark */
#define SGR_RESET "\033[0m"

/* Text from the command line or stdin becomes UTF-8: a non-UTF-8 locale
 * gives us its own encoding. NULL if it is neither. */
static char *
to_utf8 (const char *bytes, gsize len)
{
  if (memchr (bytes, '\0', len) != NULL)
    return NULL;
  if (g_utf8_validate (bytes, len, NULL))
    return g_strndup (bytes, len);
  return g_locale_to_utf8 (bytes, len, NULL, NULL, NULL);
}

/* Reads standard input up to just past the limit, so a longer text is
 * refused (by the core, with its message) without reading all of it. One
 * trailing newline, as `echo` adds, is not part of the text. */
static char *
read_stdin (GError **error)
{
  const gsize cap = IOT_QR_MAX_INPUT + 3; /* the limit, "\r\n", and one byte more */
  g_autofree char *buf = g_malloc (cap + 1);
  gsize n = 0;
  while (n < cap)
    {
      size_t r = fread (buf + n, 1, cap - n, stdin);
      if (r == 0)
        break;
      n += r;
    }
  if (ferror (stdin))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("Cannot read the text from standard input."));
      return NULL;
    }
  if (n < cap && n > 0 && buf[n - 1] == '\n')
    n -= (n > 1 && buf[n - 2] == '\r') ? 2 : 1;
  char *text = to_utf8 (buf, n);
  if (text == NULL)
    g_set_error_literal (error, IOT_QR_ERROR, IOT_QR_ERROR_INVALID,
                         _("The text for the QR code is not valid UTF-8."));
  return text;
}

/* Colour only for a terminal that is there and wants it (NO_COLOR,
 * https://no-color.org, and ui.color = false both say no). */
static gboolean
want_color (const IotConfig *config)
{
  const char *term = g_getenv ("TERM");
  const char *no_color = g_getenv ("NO_COLOR");
  return config->ui_color && isatty (STDOUT_FILENO) && term && *term &&
         strcmp (term, "dumb") != 0 && !(no_color && *no_color);
}

static gboolean
write_output (const char *path, const void *data, gsize len, GError **error)
{
  if (strcmp (path, "-") == 0)
    {
      if (fwrite (data, 1, len, stdout) != len || fflush (stdout) != 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Cannot write to standard output."));
          return FALSE;
        }
      return TRUE;
    }
  return g_file_set_contents (path, data, (gssize) len, error);
}

static void
print_halfblocks (const IotQr *qr, gboolean color)
{
  g_autoptr (GPtrArray) lines = iot_qr_render_halfblocks (qr, IOT_QR_QUIET_ZONE);
  for (guint i = 0; i < lines->len; i++)
    if (color)
      g_print (SGR_LIGHT "%s" SGR_RESET "\n", (char *) lines->pdata[i]);
    else
      g_print ("%s\n", (char *) lines->pdata[i]);
}

/* Two characters a module: "##" dark, two spaces light. With colour the
 * cells also get black and white backgrounds, so the code is solid and the
 * right way round on any theme; without, it assumes dark text on a light
 * background, as printed on paper. */
static void
print_two_chars (const IotQr *qr, gboolean color)
{
  g_autoptr (GPtrArray) lines = iot_qr_render_ascii (qr, IOT_QR_QUIET_ZONE);
  g_autoptr (GString) out = g_string_new (NULL);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = lines->pdata[i];
      char prev = 0;
      for (const char *p = line; *p; p += 2)
        {
          if (color && *p != prev)
            g_string_append (out, *p == '#' ? SGR_DARK : SGR_LIGHT);
          g_string_append_len (out, p, 2);
          prev = *p;
        }
      g_string_append (out, color ? SGR_RESET "\n" : "\n");
    }
  /* A failed write sets the stream's error flag; iot_cli_qr() checks it. */
  (void) fwrite (out->str, 1, out->len, stdout);
}

/**
 * iot_cli_qr_print:
 * Prints @text as a QR code on standard output, fitted to the terminal.
 * Returns: an exit code.
 */
int
iot_cli_qr_print (IotConfig *config, const char *prog, const char *text, gboolean ascii)
{
  g_autoptr (GError) error = NULL;
  gboolean save_hint = g_str_equal (prog, "iotsetup qr");
  gboolean color = want_color (config);
  gboolean halfblocks = !ascii && color && g_get_charset (NULL);
  IotQrCells cells = halfblocks ? IOT_QR_CELLS_HALFBLOCKS : IOT_QR_CELLS_TWO_CHARS;

  /* On a terminal the code must fit the window, less the line the shell's
   * prompt takes afterwards (it would scroll the top of the code away).
   * Written to a file or a pipe, any size goes. */
  struct winsize ws;
  int cols = 0, rows = 0, max_modules = 0;
  if (isatty (STDOUT_FILENO) && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
      ws.ws_row > 0)
    {
      cols = ws.ws_col;
      rows = ws.ws_row;
      max_modules = MAX (1, iot_qr_max_modules (cells, cols, rows - 1, IOT_QR_QUIET_ZONE));
    }
  g_autoptr (IotQr) qr = iot_qr_new (text, max_modules, &error);
  if (qr == NULL && g_error_matches (error, IOT_QR_ERROR, IOT_QR_ERROR_TOO_BIG))
    {
      int need_cols, need_rows;
      iot_qr_cells_needed (cells, iot_qr_min_modules (text, NULL), IOT_QR_QUIET_ZONE, &need_cols,
                           &need_rows);
      g_printerr ("%s: ", prog);
      if (save_hint)
        g_printerr (_("The window is too small for this QR code: it needs %dx%d characters and "
                      "has %dx%d. Make the window larger or the font smaller, or save the code "
                      "with --svg or --png."),
                    need_cols, need_rows + 1, cols, rows);
      else
        g_printerr (_("The window is too small for this QR code: it needs %dx%d characters and "
                      "has %dx%d. Make the window larger or the font smaller."),
                    need_cols, need_rows + 1, cols, rows);
      g_printerr ("\n");
      return IOT_EXIT_ERROR;
    }
  if (qr == NULL)
    {
      g_printerr ("%s: %s\n", prog, error->message);
      return IOT_EXIT_ERROR;
    }
  if (halfblocks)
    print_halfblocks (qr, color);
  else
    print_two_chars (qr, color);
  /* A code bigger than stdio's buffer fails in the writes, not in the
   * final flush: ferror() sees both (a full disk, a closed pipe). */
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_printerr ("%s: %s\n", prog, _("Cannot write to standard output."));
      return IOT_EXIT_ERROR;
    }
  return IOT_EXIT_OK;
}

/**
 * iot_cli_qr:
 * @config: (transfer full)
 */
int
iot_cli_qr (IotConfig *config, int argc, char **argv)
{
  g_autoptr (IotConfig) owned_config = config;
  gboolean ascii = FALSE;
  g_autofree char *svg_path = NULL, *png_path = NULL;
  int scale = 8;
  const GOptionEntry entries[] = {
    { "ascii", 'a', 0, G_OPTION_ARG_NONE, &ascii,
      N_ ("Two characters per module instead of Unicode half blocks"), NULL },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg_path,
      N_ ("Save the code as SVG in FILE (“-”: standard output)"), N_ ("FILE") },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png_path,
      N_ ("Save the code as PNG in FILE (“-”: standard output)"), N_ ("FILE") },
    { "scale", 0, 0, G_OPTION_ARG_INT, &scale, N_ ("Pixels per module in the PNG (default 8)"),
      N_ ("PIXELS") },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("[TEXT | -]"));
  g_set_prgname ("iotsetup qr"); /* for the usage line */
  g_option_context_set_summary (
      ctx, _("Show TEXT as a QR code that scans on light and dark terminals alike. Without "
             "TEXT, or with “-”, the text is read from standard input."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc > 2 || scale < 1 ||
      scale > 64)
    {
      g_printerr ("iotsetup qr: %s\n", error ? error->message : _("invalid arguments; see --help"));
      return IOT_EXIT_ERROR;
    }

  g_autofree char *text = NULL;
  if (argc == 2 && strcmp (argv[1], "-") != 0)
    {
      text = to_utf8 (argv[1], strlen (argv[1]));
      if (text == NULL)
        g_set_error_literal (&error, IOT_QR_ERROR, IOT_QR_ERROR_INVALID,
                             _("The text for the QR code is not valid UTF-8."));
    }
  else
    text = read_stdin (&error);
  if (text == NULL)
    {
      g_printerr ("iotsetup qr: %s\n", error->message);
      return IOT_EXIT_ERROR;
    }

  /* Saved codes have no window to fit: the strongest level, any size. */
  if (svg_path || png_path)
    {
      g_autoptr (IotQr) qr = iot_qr_new (text, 0, &error);
      if (qr == NULL)
        {
          g_printerr ("iotsetup qr: %s\n", error->message);
          return IOT_EXIT_ERROR;
        }
      g_autofree char *svg = svg_path ? iot_qr_to_svg (qr, IOT_QR_QUIET_ZONE) : NULL;
      g_autoptr (GBytes) png =
          png_path ? iot_qr_to_png (qr, IOT_QR_QUIET_ZONE, scale, &error) : NULL;
      if ((png_path && png == NULL) ||
          (svg && !write_output (svg_path, svg, strlen (svg), &error)) ||
          (png && !write_output (png_path, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                 &error)))
        {
          g_printerr ("iotsetup qr: %s\n", error->message);
          return IOT_EXIT_ERROR;
        }
      return IOT_EXIT_OK;
    }

  return iot_cli_qr_print (config, "iotsetup qr", text, ascii);
}
