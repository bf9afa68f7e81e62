/* SPDX-License-Identifier: GPL-3.0-or-later
 * The 13 guidelines of the UK Code of Practice for Consumer IoT Security, as
 * data (data/guidelines.conf): titles and plain-language explanations, and
 * their ETSI EN 303 645 clause, UK PSTI duty and EU CRA Annex I items.
 */
#pragma once

#include <glib.h>

#define IOT_N_GUIDELINES 13

typedef struct
{
  guint id; /* 1 … 13 */
  char *key;
  char *title;       /* untranslated; show it through _() */
  char *explanation; /* untranslated; show it through _() */
  char *etsi;        /* "5.1" … */
  char *psti;        /* NULL when the guideline is not a PSTI duty */
  char **cra;        /* Annex I items, e.g. "I(2)(b)" */
} IotGuideline;

typedef struct _IotGuidelines IotGuidelines;

char *iot_guidelines_default_path (void);
IotGuidelines *iot_guidelines_load (const char *path, GError **error);
void iot_guidelines_free (IotGuidelines *guidelines);
const IotGuideline *iot_guidelines_get (const IotGuidelines *guidelines, guint id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotGuidelines, iot_guidelines_free)
