package main

// Each capability page registers itself from its package's init; importing
// the package is all it takes to add it to the navigation. Only pages that
// are really built are listed here.
import (
	_ "github.com/netlab-classroom/netlab/app/dnspanel"
	_ "github.com/netlab-classroom/netlab/app/labpanel"
	_ "github.com/netlab-classroom/netlab/app/learnpanel"
	_ "github.com/netlab-classroom/netlab/app/packetpanel"
	_ "github.com/netlab-classroom/netlab/app/subnetpanel"
	_ "github.com/netlab-classroom/netlab/app/tcppanel"
	_ "github.com/netlab-classroom/netlab/app/webpanel"
)
