package sealed_test

import (
	"fmt"

	"github.com/postbud/postbud/internal/sealed"
)

func Example() {
	key, err := sealed.ParseKey("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=") // from configuration
	if err != nil {
		fmt.Println(err)
		return
	}
	letterID := []byte("01JD3YQ2Z8")
	box, _ := sealed.Seal(key, []byte(`{"cpr":"0101701234"}`), letterID)
	plain, err := sealed.Open(key, box, letterID)
	fmt.Println(string(plain), err)
	_, err = sealed.Open(key, box, []byte("another letter"))
	fmt.Println(err)
	fmt.Println(key)
	// Output:
	// {"cpr":"0101701234"} <nil>
	// sealed: open: sealed: message failed authentication (altered, other key, or other additional data)
	// sealed.Key(redacted)
}
