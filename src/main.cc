// strata-server: command line → Config → Server (server/server_main.h).
#include "server/server_main.h"

int main(int argc, char** argv) { return strata::RunStrataServer(argc, argv); }
