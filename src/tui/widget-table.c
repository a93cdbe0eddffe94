/*
 * widget-table — the widget types the engine knows, the one table formdef checks a
 * field's `type` against.
 */
#include "config.h"

#include <stddef.h>

#include "tui/widget.h"

/*
 * Every widget type, one row each; formdef refuses a type not here. The rows for list,
 * search, folder, captcha, value and bignum belong to their own files (widget-list.c...).
 */
const struct widget_ops *const widget_table[] = {
	&widget_entry_ops,
	&widget_digits_ops,
	&widget_email_ops,
	&widget_password_ops,
	&widget_checkbox_ops,
	&widget_text_ops,
	&widget_progress_ops,
	&widget_list_ops,
	&widget_search_ops,
	&widget_folder_ops,
	&widget_captcha_ops,
	&widget_value_ops,
	&widget_bignum_ops,
	&widget_hidden_ops,
	&widget_rows_ops,
	&widget_checklist_ops,
	NULL
};
