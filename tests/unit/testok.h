/*
 * testok — OK(call) for the unit tests of functions that take a char **cause: the call
 * is given C (the cause it fills) and must return 0; otherwise the case fails with the
 * call's text and its cause, which OK frees either way. Needs cmocka.h and stdlib.h.
 */
#ifndef NCA_TEST_TESTOK_H
#define NCA_TEST_TESTOK_H

#define OK(call) do {							\
	char	*cause_ = NULL;						\
	int	 rc_ = (call);						\
	if (rc_ != 0)							\
		fail_msg("%s: %s", #call, cause_ ? cause_ : "(no cause)"); \
	free(cause_);							\
} while (0)
#define C (&cause_)

#endif
