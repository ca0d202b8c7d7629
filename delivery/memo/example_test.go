package memo_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/postbud/postbud/delivery/memo"
)

func ExampleMessage_Write() {
	m := &memo.Message{
		UUID:      "8c2ea15d-61fb-4ba9-9366-42f8b194c114", // memo.NewUUID(), stored with the letter
		MessageID: "01JD3YQ2Z8",
		Label:     "Afgørelse om boligstøtte",
		Sender:    memo.Sender{ID: "34051178", Label: "Kommunen"},
		Recipient: memo.Recipient{ID: "0101701234"},
		Created:   time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
		Main: memo.Document{Files: []memo.File{{
			Filename: "afgoerelse.pdf", MimeType: memo.MimeType("pdf"), Language: "da",
			Content: strings.NewReader("%PDF-1.7"),
		}}},
	}
	if _, err := m.Write(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" xmlns:kle="http://kle-online.dk/" xmlns:form="http://www.form-online.dk/" memoVersion="1.1" memoSchVersion="1.1.0">
	// 	<memo:MessageHeader>
	// 		<memo:messageType>DIGITALPOST</memo:messageType>
	// 		<memo:messageUUID>8c2ea15d-61fb-4ba9-9366-42f8b194c114</memo:messageUUID>
	// 		<memo:messageID>01JD3YQ2Z8</memo:messageID>
	// 		<memo:label>Afgørelse om boligstøtte</memo:label>
	// 		<memo:mandatory>false</memo:mandatory>
	// 		<memo:legalNotification>false</memo:legalNotification>
	// 		<memo:Sender>
	// 			<memo:senderID>34051178</memo:senderID>
	// 			<memo:idType>CVR</memo:idType>
	// 			<memo:label>Kommunen</memo:label>
	// 		</memo:Sender>
	// 		<memo:Recipient>
	// 			<memo:recipientID>0101701234</memo:recipientID>
	// 			<memo:idType>CPR</memo:idType>
	// 		</memo:Recipient>
	// 	</memo:MessageHeader>
	// 	<memo:MessageBody>
	// 		<memo:createdDateTime>2026-03-01T09:30:00Z</memo:createdDateTime>
	// 		<memo:MainDocument>
	// 			<memo:File>
	// 				<memo:encodingFormat>application/pdf</memo:encodingFormat>
	// 				<memo:filename>afgoerelse.pdf</memo:filename>
	// 				<memo:language>da</memo:language>
	// 				<memo:content>JVBERi0xLjc=</memo:content>
	// 			</memo:File>
	// 		</memo:MainDocument>
	// 	</memo:MessageBody>
	// </memo:Message>
}

func ExampleMessage_Check() {
	m := &memo.Message{
		UUID:      memo.NewUUID(),
		Label:     "Afgørelse om boligstøtte",
		Sender:    memo.Sender{ID: "34051178", Label: "Kommunen"},
		Recipient: memo.Recipient{ID: "010170123"}, // one digit short
		Created:   time.Now(),
		Main: memo.Document{Files: []memo.File{{
			Filename: "afgørelse: endelig.pdf", MimeType: memo.MimeType("pdf"), Language: "da-DK",
			Content: strings.NewReader("%PDF-1.7"),
		}}},
	}
	var problems *memo.Error
	if errors.As(m.Check(), &problems) {
		for _, p := range problems.Problems {
			fmt.Printf("%s: %s\n", p.Field, p.Message)
		}
	}
	// Output:
	// recipient.id: has 9 digits; a recipient is a CPR number (10 digits) or a CVR number (8 digits passing modulus 11)
	// main.files[0].filename: contains ':' at character 10; file names may not contain any of < > : " / \ | ? *
	// main.files[0].language: is not two lower-case letters; give an ISO 639-1 code such as "da" or "en" (not "da-DK")
}
