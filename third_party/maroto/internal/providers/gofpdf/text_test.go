package gofpdf_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/johnfercher/maroto/v2/internal/providers/gofpdf"
	"github.com/johnfercher/maroto/v2/pkg/consts/breakline"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontfamily"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/johnfercher/maroto/v2/mocks"
	"github.com/stretchr/testify/assert"
)

func TestNewText(t *testing.T) {
	text := gofpdf.NewText(mocks.NewFpdf(t), mocks.NewMath(t), mocks.NewFont(t))

	assert.NotNil(t, text)
	assert.Equal(t, fmt.Sprintf("%T", text), "*gofpdf.text")
}

func TestGetLinesheight(t *testing.T) {
	t.Run("when a text that occupies two lines is sent with EmptySpaceStrategy, should two is returned", func(t *testing.T) {
		textProp := &props.Text{}
		textProp.MakeValid(&props.Font{Family: fontfamily.Arial, Size: 10, Style: fontstyle.Normal})

		font := mocks.NewFont(t)
		font.EXPECT().SetFont(textProp.Family, textProp.Style, textProp.Size)

		pdf := mocks.NewFpdf(t)
		pdf.EXPECT().UnicodeTranslatorFromDescriptor("").Return(func(s string) string { return s })
		pdf.EXPECT().GetStringWidth("text").Return(5.0)  // First token just returns text
		pdf.EXPECT().GetStringWidth(" text").Return(6.0) // subsequent tokens return leading space

		text := gofpdf.NewText(pdf, mocks.NewMath(t), font)

		height := text.GetLinesQuantity("text text text text", textProp, 11)

		assert.Equal(t, 2, height)
	})

	t.Run("When a text that occupies two lines is sent with EmptySpaceStrategy, should two is returned", func(t *testing.T) {
		textProp := &props.Text{BreakLineStrategy: breakline.DashStrategy}
		textProp.MakeValid(&props.Font{Family: fontfamily.Arial, Size: 10, Style: fontstyle.Normal})

		font := mocks.NewFont(t)
		font.EXPECT().SetFont(textProp.Family, textProp.Style, textProp.Size)

		pdf := mocks.NewFpdf(t)
		pdf.EXPECT().GetStringWidth("t").Return(1)
		pdf.EXPECT().GetStringWidth(" ").Return(1)
		pdf.EXPECT().GetStringWidth(" - ").Return(1)
		pdf.EXPECT().UnicodeTranslatorFromDescriptor("").Return(func(s string) string { return s })

		text := gofpdf.NewText(pdf, mocks.NewMath(t), font)

		height := text.GetLinesQuantity("tttt tttt tttt tttt", textProp, 11)

		assert.Equal(t, 2, height)
	})
}

func TestText_Add_InfiniteWidth(t *testing.T) {
	t.Run("when the cell is infinitely wide and the text flush left, should not measure the text", func(t *testing.T) {
		textProp := &props.Text{}
		textProp.MakeValid(&props.Font{Family: "pbd", Size: 10, Style: fontstyle.Normal})
		textProp.Color = &props.Color{Red: 89, Green: 89, Blue: 89}
		black := &props.Color{}

		font := mocks.NewFont(t)
		font.EXPECT().SetFont(textProp.Family, textProp.Style, textProp.Size)
		font.EXPECT().GetHeight(textProp.Family, textProp.Style, textProp.Size).Return(3.5)
		font.EXPECT().GetColor().Return(black)
		font.EXPECT().SetColor(textProp.Color)
		font.EXPECT().SetColor(black)

		pdf := mocks.NewFpdf(t)
		pdf.EXPECT().GetMargins().Return(20, 10, 20, 10)
		pdf.EXPECT().Text(25.0, 10+2+3.5, "text")

		text := gofpdf.NewText(pdf, mocks.NewMath(t), font)
		text.Add("text", &entity.Cell{X: 5, Y: 2, Width: math.Inf(1), Height: 100}, textProp)

		pdf.AssertNotCalled(t, "GetStringWidth", "text")
	})
}
