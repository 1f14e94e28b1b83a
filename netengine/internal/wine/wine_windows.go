package wine

import "syscall"

// Wine's ntdll.dll exports wine_get_version; Windows' does not.
var detected = func() bool {
	dll, err := syscall.LoadDLL("ntdll.dll")
	if err != nil {
		return false
	}
	_, err = dll.FindProc("wine_get_version")
	return err == nil
}()
