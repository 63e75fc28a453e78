// LineFramer is a header-only template; this file keeps the header compiled on its own.
#include "reactor/line_framer.h"
