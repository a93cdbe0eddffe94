/*
 * no-cmocka.h — put in front of every unit test (CMOCKA_CFLAGS) when configure found no
 * cmocka: the programs build without it, and make check then stops at the first unit test
 * with this sentence instead of a missing <cmocka.h> (configure.ac says why).
 */
#error "the unit tests need cmocka: on Debian 12 apt-get install libcmocka-dev, then run configure again"
