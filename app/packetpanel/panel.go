// Package packetpanel is the Packets (报文) page: the virtual classroom
// network of netengine/vnet drawn like the course notes, every frame on
// it in a packet list, the selected connection as a ladder diagram, the
// selected frame as Ethernet | IP | TCP | payload with its bytes, one-click
// scenarios (handshake, close, keep-alive, RST, loss, ARP, wrong mask and
// gateway, NAT, DNS) with pause and step, and pcap export. The stacks are
// real (gVisor's netstack) and run in process, so the page works the same
// on Linux, Windows and macOS with no capture driver and no admin rights.
package packetpanel

import (
	"embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/netlab-classroom/netlab/app"
)

//go:embed i18n
var tr embed.FS

// ID of the page.
const ID = "packets"

// PrefScenario is the preference that picks the scenario shown: a
// reference card sets it to a scenario name (netengine/vnet/scenario) and
// navigates to ID, and the page selects that scenario.
const PrefScenario = prefScenario

func init() {
	app.Register(app.Page{
		Translations: tr,
		ID:           ID,
		Title:        "Packets",
		Intro:        "A virtual classroom network on real TCP/IP stacks: watch every frame, step through a handshake, export pcap.",
		IconName:     theme.IconNameMailForward,
		Order:        45,
		Build: func(ctx *app.Context) fyne.CanvasObject {
			st := app.KeepRunning(ctx, "packets.state", newState, (*state).shutdown)
			return newView(ctx, st).root
		},
	})
}
