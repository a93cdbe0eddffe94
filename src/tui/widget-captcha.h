/*
 * widget-captcha — type "captcha": the service's picture drawn with half blocks (two pixel
 * rows per cell, common/halfblock.h) and an entry line for the code under it. The screen
 * gives it the picture (the widget copies the bits) and, after the widget returned
 * WIDGET_ACTIVATED, asks whether the person pressed F5 for a new one. 0 or -1 (a bad
 * size, or out of memory: the old picture stays). Callers: the screen and its actions.
 */
#ifndef NCA_WIDGET_CAPTCHA_H
#define NCA_WIDGET_CAPTCHA_H

struct widget;
struct widget_ops;

extern const struct widget_ops	widget_captcha_ops;

/* bits: width * height bytes, row-major, nonzero = ink. Clears the typed code and the
 * request for a new picture. */
int	widget_captcha_set_picture(struct widget *, int width, int height,
	    const unsigned char *bits);
/* 1 if the person asked for a new picture (F5) since the last picture was set, else 0. */
int	widget_captcha_wants_new(struct widget *);

#endif
