/** English given names for `firstName()` and `fullName()` (SPEC §5.7). */
export const FIRST_NAMES: readonly string[] = `
  Aaron Abigail Adam Adrian Aiden Alan Albert Alexander Alexis Alice Alicia Allison Amanda Amber
  Amelia Amy Andrea Andrew Angela Anna Anthony Arthur Ashley Austin Ava Barbara Benjamin Beth
  Betty Beverly Billy Blake Bobby Brandon Brenda Brian Brittany Bruce Bryan Caleb Cameron Carl
  Carol Caroline Catherine Charles Charlotte Chloe Christian Christina Christine Christopher
  Claire Cody Connor Cynthia Daniel Danielle David Deborah Debra Denise Dennis Diana Diane Donald
  Donna Dorothy Douglas Dylan Edward Elijah Elizabeth Ella Emily Emma Eric Ethan Eugene Evelyn
  Frances Frank Gabriel Gary George Gerald Gloria Grace Gregory Hannah Harold Harper Heather Helen
  Henry Isabella Jack Jacob Jacqueline James Janet Janice Jason Jean Jeffrey Jennifer Jeremy Jerry
  Jesse Jessica Joan John Jonathan Jordan Jose Joseph Joshua Joyce Judith Judy Julia Julie Justin
  Karen Katherine Kathleen Kayla Keith Kelly Kenneth Kevin Kimberly Kyle Laura Lauren Lawrence
  Liam Lily Linda Lisa Logan Lucas Madison Margaret Maria Marie Marilyn Mark Martha Mary Mason
  Matthew Megan Melissa Mia Michael Michelle Natalie Nathan Nicholas Nicole Noah Olivia Pamela
  Patricia Patrick Paul Peter Philip Rachel Ralph Raymond Rebecca Richard Robert Roger Ronald Rose
  Roy Russell Ruth Ryan Samantha Samuel Sandra Sara Sarah Scott Sean Sharon Shirley Sophia
  Stephanie Stephen Steven Susan Teresa Terry Theresa Thomas Timothy Tyler Victoria Vincent
  Virginia Walter Wayne William Zachary
`
  .trim()
  .split(/\s+/);

/** English family names for `lastName()` and `fullName()` (Q13 recommended: a real last name). */
export const LAST_NAMES: readonly string[] = `
  Adams Alexander Allen Anderson Bailey Baker Barnes Bell Bennett Brooks Brown Bryant Butler
  Campbell Carter Clark Coleman Collins Cook Cooper Cox Cruz Davis Diaz Edwards Evans Fisher
  Flores Foster Garcia Gibson Gomez Gonzales Gonzalez Gray Green Griffin Hall Hamilton Harris
  Hayes Henderson Hernandez Hill Howard Hughes Jackson James Jenkins Johnson Jones Kelly Kennedy
  King Lee Lewis Long Lopez Marshall Martin Martinez Mason Miller Mitchell Moore Morales Morgan
  Morris Murphy Murray Myers Nelson Nguyen Ortiz Owens Parker Patterson Perez Perry Peterson
  Phillips Powell Price Ramirez Reed Reyes Reynolds Richardson Rivera Roberts Robinson Rodriguez
  Rogers Ross Russell Sanchez Sanders Scott Simmons Smith Stewart Sullivan Taylor Thomas Thompson
  Torres Turner Walker Wallace Ward Washington Watson West White Williams Wilson Wood Wright Young
`
  .trim()
  .split(/\s+/);
