// Command hello only prints: the reference a fresh letter process is
// measured against.
package main

import "fmt"

func main() { fmt.Println("hello") }
